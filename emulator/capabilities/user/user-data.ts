import { WitError, type InvocationScope, type InvocationUser } from '../../contracts/invocation.ts';

/** The grant of both `user` and `user-v2`. */
export const USER_GRANT = 'cap:user.read';

/** Shared by `user` and `user-v2` once the guard has admitted the call: the request's user or `not-available`. */
export function requireUser(scope: InvocationScope): InvocationUser {
  if (!scope.user) throw new WitError('not-available', 'the request carries no user');
  return scope.user;
}

/** The six `user-data` fields, in WIT order; `tenant-id` comes from the context. */
export function userDataV1(scope: InvocationScope, user: InvocationUser) {
  return {
    tenantId: scope.tenantId,
    clientName: user.clientName ?? '',
    userId: user.userId,
    userEmail: user.userEmail,
    userName: user.userName,
    userType: user.userType,
  };
}
