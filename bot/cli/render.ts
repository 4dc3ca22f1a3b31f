import type { View } from '../../commands/view';

/** A view as terminal text: title, body, fields, files and numbered buttons. */
export function viewToTerminal(view: View): string {
  const out: string[] = [];
  if (view.title) out.push(view.title, '─'.repeat(Math.min(60, view.title.length)));
  out.push(view.text);
  for (const f of view.fields ?? []) out.push(`${f.name}: ${f.value}`);
  if (view.image) out.push(`[picture] ${view.image.path}`);
  for (const f of view.files ?? []) out.push(`[${f.kind}] ${f.path}`);
  for (const b of (view.buttons ?? []).flat()) if (b.url) out.push(`${b.label}: ${b.url}`);
  return out.join('\n');
}
