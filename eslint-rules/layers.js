// The layering rule of DESIGN.md §1, in the spirit of VS Code's code-layering check: every import
// is resolved to the layer it lands in, and a layer may only reach the layers listed for it.
import path from 'node:path';
import { builtinModules } from 'node:module';

const root = path.resolve(import.meta.dirname, '..');

/** Layers, most specific first; a file belongs to the first whose prefix it starts with. */
const LAYERS = [
  'electron/common',
  'electron/handlers',
  'electron/main',
  'electron/preload',
  'electron/host',
  'renderer',
  'engine',
  'cli',
];

/** Which project layers each layer may import (itself always allowed). */
const ALLOWED = {
  'electron/common': [],
  renderer: ['electron/common'],
  'electron/preload': ['electron/common'],
  engine: [],
  'electron/handlers': ['engine', 'electron/common'],
  'electron/main': ['engine', 'electron/common', 'electron/handlers'],
  'electron/host': ['engine', 'electron/common', 'electron/handlers'],
  cli: ['engine', 'electron/host'],
};

/** Packages only one part of the tree may import. Key: package; value: layer path prefixes. */
const OWNED_PACKAGES = {
  'onnxruntime-node': ['engine/runtime'],
  sharp: ['engine/media'],
  'ffmpeg-static': ['engine/media'],
  electron: ['electron/main', 'electron/preload'],
};

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function layerOf(relFile) {
  const norm = relFile.split(path.sep).join('/');
  return LAYERS.find((l) => norm === l || norm.startsWith(`${l}/`));
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export default {
  rules: {
    layers: {
      meta: {
        type: 'problem',
        docs: { description: 'Enforce the import directions of DESIGN.md §1' },
        schema: [],
      },
      create(context) {
        const file = context.filename;
        const rel = path.relative(root, file);
        if (rel.startsWith('..')) return {};
        const relPosix = rel.split(path.sep).join('/');
        const from = layerOf(rel);

        function check(node, spec) {
          if (typeof spec !== 'string') return;
          if (spec.startsWith('.')) {
            if (!from) return;
            const target = path.relative(root, path.resolve(path.dirname(file), spec));
            const to = layerOf(target);
            if (!to || to === from) return;
            if (!ALLOWED[from].includes(to)) {
              context.report({ node, message: `${from} may not import ${to} (DESIGN.md §1): '${spec}'` });
            }
            return;
          }
          const pkg = packageName(spec);
          const owners = OWNED_PACKAGES[pkg];
          if (owners && !owners.some((o) => relPosix.startsWith(`${o}/`))) {
            // Tests and benches may reach any package; product code goes through the owner.
            if (from) context.report({ node, message: `only ${owners.join(', ')} may import '${pkg}'` });
            return;
          }
          if ((from === 'renderer' || from === 'electron/common') && NODE_BUILTINS.has(spec)) {
            context.report({ node, message: `${from} may not import Node built-in '${spec}'` });
          }
        }

        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
        };
      },
    },
  },
};
