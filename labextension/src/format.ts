/**
 * How the sidebar writes numbers, times and results for people: milliseconds, bytes, "3 min ago", and
 * images found inside a JSON result (a `data:image/...` URL, or base64 PNG/JPEG text such as the crop
 * that SmartBodyCrop returns), which the view shows as pictures instead of walls of base64. Pure.
 */

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '–';
  }
  if (ms < 1000) {
    return `${ms < 10 ? ms.toFixed(1).replace(/\.0$/, '') : Math.round(ms)} ms`;
  }
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) {
    return '–';
  }
  if (n < 1024) {
    return `${n} B`;
  }
  if (n < (1024 * 1024) / 10) {
    return `${(n / 1024).toFixed(1)} KB`;
  }
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatAgo(epochMs: number, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  if (seconds < 5) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return new Date(epochMs).toLocaleDateString();
}

export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined ? '–' : `${Math.round(share * 100)}%`;
}

const SIGNATURES: [string, string][] = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp']
];

const STRICT_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL = /^data:(image\/[a-z]+);base64,([A-Za-z0-9+/\s]*={0,2})\s*$/i;

/**
 * A `data:` URL for `value` if it is a raster image (data URL, or long base64 with an image signature).
 * The one gate between a result and an `<img>`: the whole text must be strict base64 whose bytes start
 * as the format it claims (PNG, JPEG, GIF, WebP; never SVG, which can carry script).
 */
export function imageSource(value: unknown): string | null {
  if (typeof value !== 'string' || value.length < 64) {
    return null;
  }
  const found = DATA_URL.exec(value);
  const claimed = found ? found[1].toLowerCase() : null;
  const data = (found ? found[2] : value).replace(/\s/g, '');
  if (data.length % 4 !== 0 || !STRICT_BASE64.test(data)) {
    return null;
  }
  const match = SIGNATURES.find(([prefix]) => data.startsWith(prefix));
  if (!match || (claimed !== null && claimed !== match[1])) {
    return null;
  }
  return `data:${match[1]};base64,${data}`;
}

export interface IFoundImage {
  path: string; // "crop", "images[0]"
  src: string;
}

/**
 * Images inside a JSON value, and the value with each image replaced by a short placeholder, so that
 * the JSON stays readable: `{"crop": "<image 41.2 KB, shown below>"}`.
 */
export function extractImages(
  value: unknown,
  path = ''
): { value: unknown; images: IFoundImage[] } {
  const src = imageSource(value);
  if (src !== null) {
    const bytes = Math.floor(((value as string).length * 3) / 4);
    return {
      value: `<image ${formatBytes(bytes)}, shown below>`,
      images: [{ path: path || 'result', src }]
    };
  }
  if (Array.isArray(value)) {
    const images: IFoundImage[] = [];
    const out = value.map((item, i) => {
      const found = extractImages(item, `${path}[${i}]`);
      images.push(...found.images);
      return found.value;
    });
    return { value: out, images };
  }
  if (value !== null && typeof value === 'object') {
    const images: IFoundImage[] = [];
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const found = extractImages(item, path ? `${path}.${key}` : key);
      images.push(...found.images);
      out[key] = found.value;
    }
    return { value: out, images };
  }
  return { value, images: [] };
}
