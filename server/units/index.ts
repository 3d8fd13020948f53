export { readUnits, unitNames, unitNamesIn, namesFor, caseUnitNames, taskGroupNames, unitCodesOfEvent, unitChoices, descendants, isSteering, UNIT_KINDS } from './directory.ts';
export type { UnitRow, UnitName, UnitChoice } from './directory.ts';
export { readUnitTree, replaceUnitTree, checkParent, makesCycle, flattenTree, toTree, unitTreeSchema, unitTreeDoc, unitNodeSchema, UNIT_CODE } from './tree.ts';
export type { UnitNode, NodeProblem } from './tree.ts';
export { forwardedGroups, handlingUnit, handlingUnitSql } from './forwarded.ts';
export { unitFieldChoices, withUnitChoices } from './form-field.ts';
