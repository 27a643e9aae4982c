// The status-bar item: index health at a glance (objects indexed, errors, indexing in progress).
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('k8sNetmap.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'k8s-netmap';
    this.item.command = 'workbench.actions.view.problems';
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.item.text = '$(sync~spin) k8s-netmap';
    this.item.tooltip = 'k8s-netmap: starting the language server';
    this.item.backgroundColor = undefined;
  }

  stopped(reason: string): void {
    this.item.text = '$(error) k8s-netmap';
    this.item.tooltip = `k8s-netmap: ${reason}. Run "k8s-netmap: Restart Language Server".`;
    this.item.command = 'k8sNetmap.restartServer';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  update(s: StatusParams): void {
    this.item.command = 'workbench.actions.view.problems';
    this.item.backgroundColor = undefined;
    if (s.indexing) {
      this.item.text = '$(sync~spin) k8s-netmap: indexing';
      this.item.tooltip = 'k8s-netmap: reading the manifests of the workspace';
      return;
    }
    const errors = s.errors ? ` $(error) ${s.errors}` : '';
    this.item.text = `$(type-hierarchy) ${s.objects} objects${errors}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**k8s-netmap**\n\n${s.objects} Kubernetes objects in ${s.files} files\n\n${s.errors} errors` +
        (s.unreadable ? ` · ${s.unreadable} files not read (syntax errors, too large or binary)` : '') +
        '\n\nClick to open the Problems panel.',
    );
  }

  dispose(): void {
    this.item.dispose();
  }
}
