// Node-side helpers for the webview runner, bundled by it: the real page, the fixture graphs and
// VS Code's theme variables (VS Code sets them on the webview's <html>; here a stylesheet does).

export { diagramHtml } from '../../client/src/diagram/html';
export { demoGraph, HOSTILE_NAME, largeGraph } from '../fixtures/graph/demo';

const DARK: Record<string, string> = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'editor-font-size': '14px',
  'editor-background': '#1f1f1f',
  'editor-foreground': '#cccccc',
  descriptionForeground: '#9d9d9d',
  'widget-border': '#313131',
  'editorWidget-background': '#202020',
  'sideBar-background': '#181818',
  'panel-border': '#2b2b2b',
  focusBorder: '#0078d4',
  'charts-blue': '#3794ff',
  'charts-purple': '#b180d7',
  'charts-green': '#89d185',
  'charts-orange': '#d18616',
  'charts-red': '#f14c4c',
  'charts-yellow': '#cca700',
  'button-background': '#0078d4',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#026ec1',
  'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc',
  'button-secondaryHoverBackground': '#3c3c3c',
  'button-border': '#ffffff12',
  'input-background': '#313131',
  'input-foreground': '#cccccc',
  'input-border': '#3c3c3c',
  'input-placeholderForeground': '#989898',
  'editorGroupHeader-tabsBackground': '#181818',
  'editorHoverWidget-background': '#202020',
  'editorHoverWidget-foreground': '#cccccc',
  'editorHoverWidget-border': '#454545',
  'menu-background': '#1f1f1f',
  'menu-border': '#454545',
  'list-hoverBackground': '#2a2d2e',
  'textLink-foreground': '#4daafc',
  'widget-shadow': '#0000005c',
};

const LIGHT: Record<string, string> = {
  ...DARK,
  'editor-background': '#ffffff',
  'editor-foreground': '#3b3b3b',
  descriptionForeground: '#717171',
  'widget-border': '#d4d4d4',
  'editorWidget-background': '#f8f8f8',
  'sideBar-background': '#f8f8f8',
  'panel-border': '#e5e5e5',
  focusBorder: '#005fb8',
  'charts-blue': '#1a85ff',
  'charts-purple': '#652d90',
  'charts-green': '#388a34',
  'charts-orange': '#d18616',
  'charts-red': '#e51400',
  'charts-yellow': '#bf8803',
  'button-background': '#005fb8',
  'button-secondaryBackground': '#e5e5e5',
  'button-secondaryForeground': '#3b3b3b',
  'button-secondaryHoverBackground': '#cccccc',
  'input-background': '#ffffff',
  'input-foreground': '#3b3b3b',
  'input-border': '#cecece',
  'input-placeholderForeground': '#767676',
  'editorGroupHeader-tabsBackground': '#f8f8f8',
  'editorHoverWidget-background': '#f8f8f8',
  'editorHoverWidget-foreground': '#3b3b3b',
  'editorHoverWidget-border': '#c8c8c8',
  'menu-background': '#ffffff',
  'menu-border': '#cecece',
  'list-hoverBackground': '#f2f2f2',
  'textLink-foreground': '#005fb8',
  'widget-shadow': '#00000029',
};

export function themeCss(kind: 'dark' | 'light'): string {
  const vars = kind === 'dark' ? DARK : LIGHT;
  return `html {\n${Object.entries(vars)
    .map(([k, v]) => `  --vscode-${k}: ${v};`)
    .join('\n')}\n}\n`;
}

import { buildGraph } from '../../server/src/analysis/graph';
import { graphInputOf } from '../../server/src/analysis/graph/fromAnalysis';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { loadPaths } from '../../server/src/index/files';
import type { Graph } from '../../server/src/model/graph';

/** The graph of a folder of manifests, through the same pipeline as the language server. */
export async function graphOfFolder(folder: string): Promise<Graph> {
  const { index } = await loadPaths([folder], process.cwd());
  return buildGraph(graphInputOf(new Analysis(index)));
}

import { generateWorkspace } from '../../bench/generate';

/** A generated workspace of about `objects` manifests (bench/generate.ts) written under `dir`, and its graph. */
export async function generatedGraph(dir: string, objects: number): Promise<{ graph: Graph; objects: number; files: number }> {
  const ws = generateWorkspace(dir, objects);
  return { graph: await graphOfFolder(dir), objects: ws.objects, files: ws.files };
}
