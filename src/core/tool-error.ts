/** A tool-facing failure: its message is shown to the model as an error result, without a stack. */
export class ToolError extends Error {
  override name = 'ToolError';
}
