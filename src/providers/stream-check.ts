// A 200 that is not an event stream (a web page, a proxy's JSON, plain text) is not the API: it fails at once.
import { NotApiError } from './errors.js';

export function assertEventStream(response: Response): void {
  const type = response.headers.get('content-type') ?? '';
  if (type === '' || /event-stream/i.test(type)) return;
  const what = /html/i.test(type) ? 'an HTML page' : type.split(';')[0];
  throw new NotApiError(`answered ${response.status} with ${what} instead of an event stream`);
}
