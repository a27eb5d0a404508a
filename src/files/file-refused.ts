/** A file the harness will not read or write where it was asked to: the message is one line and never quotes the file. */
export class FileRefusedError extends Error {
  override name = 'FileRefusedError';
  constructor(
    message: string,
    /** The reason alone ("no such file", "not a regular file …"), for a caller that names the file its own way. */
    readonly reason = message,
  ) {
    super(message);
  }
}
