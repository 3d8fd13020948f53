import { selectableNodes, type CatalogueTree } from '../catalogue/index.ts';

/**
 * The region's request catalogue (诉求分类) as Open311 services: one service
 * per node a case may be taken in under (an active leaf), so a request posted
 * with `service_code=water` is the same case as one from the web form with
 * `category: 'water'`. `group` is the node's top-level name (the level-1
 * class clients sort their pick list by), `keywords` the node's words, and
 * `description` the path of names from the top level down.
 */
export function serviceList(tree: CatalogueTree) {
  return selectableNodes(tree).map((node) => ({
    service_code: node.code,
    service_name: node.name,
    description: node.path.map((p) => p.name).join(' > '),
    metadata: false,
    // A case number comes back at once: no tokens to swap later.
    type: 'realtime' as const,
    keywords: node.keywords.join(','),
    group: node.path[0]!.name,
  }));
}
