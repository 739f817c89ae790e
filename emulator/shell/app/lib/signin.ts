// The sign-in secret as the page and the server both name it (the server's policy is in
// emulator/host/bind-policy.ts). A shell page opened with `?signin_secret=` stores it in an HttpOnly
// cookie and redirects; the shell's API answers these codes without it.

/** Query parameter a shell page turns into the sign-in cookie. */
export const SIGNIN_SECRET_QUERY = 'signin_secret';

/** Codes of the shell API's 401 answers about the secret. */
export const SIGNIN_SECRET_CODES: readonly string[] = ['SIGNIN_SECRET_REQUIRED', 'SIGNIN_SECRET_INVALID'];
