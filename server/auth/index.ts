export { hashPassword, verifyPassword, dummyPasswordHash } from './password.ts';
export { ROLES, CASE_WORKERS } from './roles.ts';
export type { Role, User } from './roles.ts';
export { login, logout, userForToken } from './tokens.ts';
export { createGuard } from './guard.ts';
export type { Guard } from './guard.ts';
export { seedDemoUsers, DEMO_GROUPS } from './seed.ts';
export { createUser, updateUser, upsertGroup, bootstrapAdmin, newUserSchema, userPatchSchema, groupBodySchema } from './users.ts';
export type { NewUser, UserPatch } from './users.ts';
