// "Show Connectivity Changes": the connections added, removed or changed between a git revision
// (HEAD by default, or a ref the user types) and the workspace as edited, in a tree view grouped by
// workload. Each change opens the object that causes it. The server does the work
// (CONNECTIVITY_CHANGES_REQUEST); without git, or outside a repository, the view says why.
import * as vscode from 'vscode';
import type { ChangeCauseLocation, ConnectivityChangeItem, ConnectivityChangesResult } from '../../server/src/protocol';

type Node =
  | { kind: 'message'; text: string }
  | { kind: 'group'; workload: string; changes: ConnectivityChangeItem[] }
  | { kind: 'change'; change: ConnectivityChangeItem }
  | { kind: 'cause'; cause: ChangeCauseLocation };

const ICON: Record<ConnectivityChangeItem['diffType'], [string, string]> = {
  added: ['add', 'gitDecoration.addedResourceForeground'],
  removed: ['remove', 'gitDecoration.deletedResourceForeground'],
  changed: ['diff-modified', 'gitDecoration.modifiedResourceForeground'],
};

export class ConnectivityChangesView implements vscode.TreeDataProvider<Node> {
  private result: ConnectivityChangesResult | undefined;
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  show(result: ConnectivityChangesResult): void {
    this.result = result;
    this.emitter.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    const r = this.result;
    if (!node) {
      if (!r) return [{ kind: 'message', text: 'Run "k8s-netmap: Show Connectivity Changes" to compare with a git revision.' }];
      if (r.error) return [{ kind: 'message', text: `No comparison with ${r.ref}: ${r.error}` }];
      if (r.groups.length === 0) return [{ kind: 'message', text: `No connection changed since ${r.ref}.` }];
      return r.groups.map((g) => ({ kind: 'group', workload: g.workload, changes: g.changes }));
    }
    if (node.kind === 'group') return node.changes.map((change) => ({ kind: 'change', change }));
    if (node.kind === 'change') return node.change.causes.map((cause) => ({ kind: 'cause', cause }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'message':
        return new vscode.TreeItem(node.text);
      case 'group': {
        const item = new vscode.TreeItem(node.workload, vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${node.changes.length} change${node.changes.length === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('symbol-class');
        return item;
      }
      case 'change': {
        const c = node.change;
        const item = new vscode.TreeItem(`${c.diffType}: ${c.src} → ${c.dst}`, c.causes.length > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = c.diffType === 'added' ? c.ref2 : c.diffType === 'removed' ? c.ref1 : `${c.ref1} → ${c.ref2}`;
        item.tooltip = `${c.diffType}: ${c.src} → ${c.dst}\nbefore: ${c.ref1}\nnow: ${c.ref2}${c.workloadsDiffInfo ? `\n${c.workloadsDiffInfo}` : ''}${c.causes[0] ? `\ncause: ${c.causes[0].label}` : '\nno single object change found'}`;
        item.iconPath = new vscode.ThemeIcon(ICON[c.diffType][0], new vscode.ThemeColor(ICON[c.diffType][1]));
        if (c.causes[0]) item.command = revealCommand(c.causes[0]);
        return item;
      }
      case 'cause': {
        const item = new vscode.TreeItem(node.cause.label);
        item.iconPath = new vscode.ThemeIcon(node.cause.removed ? 'trash' : 'go-to-file');
        item.command = revealCommand(node.cause);
        return item;
      }
    }
  }
}

function revealCommand(cause: ChangeCauseLocation): vscode.Command {
  return { title: 'Reveal', command: 'k8sNetmap.revealChangeCause', arguments: [cause] };
}

export function registerChangesView(context: vscode.ExtensionContext, request: (ref: string) => Promise<ConnectivityChangesResult | undefined>): void {
  const view = new ConnectivityChangesView();
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('k8sNetmap.connectivityChanges', view),
    vscode.commands.registerCommand('k8sNetmap.showConnectivityChanges', async (refArg?: string) => {
      let ref = typeof refArg === 'string' ? refArg : undefined;
      if (ref === undefined) {
        const pick = await vscode.window.showQuickPick(['HEAD', 'Another revision…'], { placeHolder: 'Compare the workspace with' });
        if (!pick) return undefined;
        ref = pick === 'HEAD' ? 'HEAD' : await vscode.window.showInputBox({ prompt: 'Git revision (branch, tag or commit)', value: 'origin/main' });
        if (!ref) return undefined;
      }
      const result = await vscode.window.withProgress({ location: { viewId: 'k8sNetmap.connectivityChanges' } }, () => request(ref));
      if (!result) return undefined;
      view.show(result);
      await vscode.commands.executeCommand('k8sNetmap.connectivityChanges.focus');
      if (result.error) void vscode.window.showWarningMessage(`k8s-netmap: cannot compare with ${result.ref}: ${result.error}`);
      return result; // for automation and tests
    }),
    vscode.commands.registerCommand('k8sNetmap.revealChangeCause', async (cause: ChangeCauseLocation) => {
      try {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(cause.uri));
        const start = new vscode.Position(cause.range.start.line, cause.range.start.character);
        const end = new vscode.Position(cause.range.end.line, cause.range.end.character);
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, end) });
        if (cause.removed) void vscode.window.showInformationMessage(`k8s-netmap: ${cause.label}`);
      } catch {
        void vscode.window.showInformationMessage(`k8s-netmap: ${cause.label} (the file is no longer in the workspace)`);
      }
    }),
  );
}
