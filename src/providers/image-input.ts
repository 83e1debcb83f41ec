// Whether a model takes images in its input. The models that do are named; any other model (local servers'
// models, text-only families) is sent text only, since a text-only endpoint refuses a request with an image.

const TAKES_IMAGES: RegExp[] = [
  /^claude-/, /^gpt-4o/, /^gpt-4\.1/, /^gpt-5/, /^o1(?!-mini)/, /^o3(?!-mini)/, /^o4-mini/, /^gemini-/, /^grok-4/,
  /^mistral-medium/, /^pixtral/, /^llava/, /^qwen2\.5-vl/, /^llama-4/, /^gemma-3/,
];

/** `model`: an id, with or without its provider prefix (`anthropic/claude-sonnet-4-6`). */
export function modelTakesImages(model: string): boolean {
  const id = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return TAKES_IMAGES.some((re) => re.test(id));
}
