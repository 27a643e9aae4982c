// The `k8sNetmap` settings as the user set them. The server layers them over a folder's
// k8s-netmap.yaml, so a default must not hide the file's value: VS Code's answer to
// `workspace/configuration` carries package.json's defaults, this one only what a settings file
// sets (user, workspace, folder; objects merge across them as VS Code merges them).
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

const KEYS = ['defaultNamespace', 'exclude', 'rules', 'ingressController', 'maxFileSize'] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function explicitSettings(scopeUri: string | undefined): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('k8sNetmap', scopeUri ? vscode.Uri.parse(scopeUri) : null);
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const seen = config.inspect(key);
    const layers = [seen?.globalValue, seen?.workspaceValue, seen?.workspaceFolderValue].filter((v) => v !== undefined);
    if (layers.length === 0) continue;
    out[key] = layers.every(isPlainObject) ? Object.assign({}, ...layers) : layers[layers.length - 1];
  }
  return out;
}

/** Answers the server's `k8sNetmap` configuration items with the explicit settings only. */
export const configurationMiddleware: Middleware['workspace'] = {
  configuration: async (params, token, next) => {
    const answer = await next(params, token);
    if (!Array.isArray(answer)) return answer;
    return params.items.map((item, i) => (item.section === 'k8sNetmap' ? explicitSettings(item.scopeUri) : answer[i]));
  },
};
