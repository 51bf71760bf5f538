// Shows one NPC's name the way a game would hold it: the object from the virtual module,
// the object from a direct `import … from '….npc.yaml'`, and the onNpcUpdate/onNpcError events.
import { npcs, npcFileErrors } from 'virtual:voice-agents/npcs';
import { onNpcError, onNpcUpdate } from '../../../../plugin/npc/live.js';
import type { NpcDefinition } from '../../../../plugin/npc/types.js';

window.__loadId = Math.random();
const held = npcs.find((n) => n.id === 'mira')!;
const $ = (id: string) => document.getElementById(id)!;
$('count').textContent = String(npcs.length);
$('fileErrors').textContent = String(new Set(npcFileErrors.map((e) => e.file)).size);
let updates = 0;

function render(): void {
  $('first').textContent = held?.name ?? '';
}
render();
onNpcUpdate((npc) => {
  updates++;
  $('updates').textContent = String(updates);
  window.__sameObject = npc === held;
  render();
});
onNpcError((e) => {
  $('error').textContent = e.errors.map((x) => `${x.line}:${x.column} ${x.message}`).join(' | ');
});

// A direct import of the same file must give the same live object.
const directUrl = new URLSearchParams(location.search).get('file');
if (directUrl) {
  void import(/* @vite-ignore */ directUrl).then((m: { default: NpcDefinition }) => {
    window.__directIsHeld = m.default === held;
    // A file broken since the server started comes as a silent stand-in that says why.
    window.__directUnavailable = m.default.unavailable ?? null;
    onNpcUpdate((npc) => {
      if (npc === m.default) window.__directUnavailable = npc.unavailable ?? null;
    });
    const show = () => ($('direct').textContent = m.default.name);
    show();
    onNpcUpdate(show);
  });
}
window.__ready = true;
