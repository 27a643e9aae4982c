// The language status item for YAML: index health (objects indexed, errors, indexing in progress)
// where VS Code shows a language's status, next to "YAML" in the status bar, instead of an item
// that is always on screen.
import * as vscode from 'vscode';
import { Commands, type StatusParams } from '../../server/src/protocol';

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('k8sNetmap.status', { language: 'yaml' });

  constructor() {
    this.item.name = 'k8s-netmap';
    this.starting();
  }

  starting(): void {
    this.item.text = 'k8s-netmap';
    this.item.detail = 'starting the language server';
    this.item.busy = true;
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.command = undefined;
  }

  stopped(reason: string): void {
    this.item.text = 'k8s-netmap stopped';
    this.item.detail = reason;
    this.item.busy = false;
    this.item.severity = vscode.LanguageStatusSeverity.Error;
    this.item.command = { title: 'Restart', command: Commands.restartServer };
  }

  update(s: StatusParams): void {
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.busy = s.indexing;
    if (s.indexing) {
      this.item.text = 'k8s-netmap: indexing';
      this.item.detail = 'reading the manifests of the workspace';
      this.item.command = undefined;
      return;
    }
    this.item.text = `k8s-netmap: ${s.objects} objects${s.errors ? `, ${s.errors} errors` : ''}`;
    this.item.detail = `in ${s.files} files` + (s.unreadable ? ` · ${s.unreadable} not read (syntax errors, too large or binary)` : '');
    this.item.command = { title: 'Problems', command: 'workbench.actions.view.problems' };
  }

  dispose(): void {
    this.item.dispose();
  }
}
