/** A file the harness will not read or write where it was asked to: the message is one line and never quotes the file. */
export class FileRefusedError extends Error {
  override name = 'FileRefusedError';
}
