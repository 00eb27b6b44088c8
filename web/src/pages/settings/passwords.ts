// The server refuses shorter passwords (400); the forms say so before sending.
export const MIN_PASSWORD = 10;
