/** An error whose message is already fit for a user: the client API throws it, front ends print it as is. */
export class HarnessError extends Error {
  constructor(
    message: string,
    /** The exit code a command-line front end should end with. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
