// Tool.define in the opencode manner: a zod schema is the single source of the JSON schema the model sees and
// of the validation its input gets; invalid input and thrown errors become results the model can act on.
import { z } from 'zod';
import { ToolError } from '../core/tool-error.js';
import type { AgentTool, JsonSchema, ToolContext, ToolResult } from '../core/types.js';

export interface ToolDefinition<S extends z.ZodType> {
  name: string;
  description: string;
  schema: S;
  readOnly?: boolean;
  startsOnly?: boolean;
  summarize?: (input: z.infer<S>) => string;
  execute(input: z.infer<S>, ctx: ToolContext): Promise<ToolResult | string>;
}

export { ToolError };

export function defineTool<S extends z.ZodType>(def: ToolDefinition<S>): AgentTool {
  const inputSchema = toInputSchema(def.schema);
  return {
    name: def.name,
    description: def.description,
    inputSchema,
    readOnly: def.readOnly,
    startsOnly: def.startsOnly,
    summarize: def.summarize
      ? (input) => {
        const parsed = def.schema.safeParse(input);
        return parsed.success ? def.summarize!(parsed.data) : '';
      }
      : undefined,
    async execute(input, ctx) {
      const parsed = def.schema.safeParse(input ?? {});
      if (!parsed.success) return { content: describeInvalidInput(def.name, parsed.error), isError: true };
      try {
        const out = await def.execute(parsed.data, ctx);
        return typeof out === 'string' ? { content: out } : out;
      } catch (err) {
        return { content: errorText(err), isError: true };
      }
    },
  };
}

function toInputSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** "Invalid input for read_file: offset: expected number, received string; path: required." */
export function describeInvalidInput(tool: string, error: z.ZodError): string {
  const parts = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'input';
    return `${where}: ${issue.message}`;
  });
  return `Invalid input for ${tool}: ${parts.join('; ')}. Fix these fields and call ${tool} again.`;
}

export function errorText(err: unknown): string {
  if (err instanceof ToolError) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
