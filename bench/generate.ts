// Deterministic generator of realistic workspaces for `npm run bench` (our own; no network).
// Per namespace: a Namespace, apps with a Deployment (full pod spec), a Service with a named
// targetPort and a ConfigMap, an Ingress for every fifth app, and three NetworkPolicies
// (default deny, same-tier allow, ingress-controller allow). Files mix multi-document per-app
// files and single-object files. About 2 % of links are broken on purpose.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prng } from './prng';

const TIERS = ['web', 'api', 'worker', 'cache'];
const TEAMS = ['red', 'blue', 'green', 'gold'];
const APPS_PER_NAMESPACE = 40;

function deployment(ns: string, app: string, tier: string, team: string, port: number, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
    app.kubernetes.io/part-of: ${ns}
    team: ${team}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
        tier: ${tier}
        team: ${team}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: ${app}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: ${app}
          image: registry.example.com/${ns}/${app}:1.${port % 17}.${port % 5}
          imagePullPolicy: IfNotPresent
          args: ["--listen=:${port}", "--metrics=:9090", "--log-level=info"]
          ports:
            - name: http
              containerPort: ${port}
            - name: metrics
              containerPort: 9090
          env:
            - name: APP_NAME
              value: ${app}
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: CONFIG_PATH
              valueFrom:
                configMapKeyRef:
                  name: ${app}-config
                  key: path
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: "1"
              memory: 512Mi
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 10
        - name: proxy
          image: registry.example.com/sidecar/proxy:2.4.1
          ports:
            - name: proxy-admin
              containerPort: 15000
`;
}

function service(ns: string, app: string, selectorApp: string, targetPort: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app: ${app}
spec:
  selector:
    app: ${selectorApp}
  ports:
    - name: http
      port: 80
      targetPort: ${targetPort}
    - name: metrics
      port: 9090
      targetPort: metrics
`;
}

function configMap(ns: string, app: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
  namespace: ${ns}
data:
  path: /etc/${app}/config.yaml
  config.yaml: |
    server:
      port: 8080
      timeout: 30s
    features:
      - search
      - recommendations
`;
}

function ingress(ns: string, app: string, backend: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  ingressClassName: nginx
  tls:
    - hosts: [${app}.${ns}.example.com]
      secretName: ${app}-tls
  rules:
    - host: ${app}.${ns}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${backend}
                port:
                  name: http
`;
}

function policies(ns: string): string[] {
  return [
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-same-team
  namespace: ${ns}
spec:
  podSelector:
    matchExpressions:
      - {key: tier, operator: In, values: [web, api]}
  ingress:
    - from:
        - podSelector:
            matchLabels:
              team: red
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
      ports:
        - port: http
  egress:
    - to:
        - namespaceSelector: {}
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - {protocol: UDP, port: 53}
    - to:
        - ipBlock:
            cidr: 10.0.0.0/8
            except: [10.96.0.0/12]
`,
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-metrics
  namespace: ${ns}
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              purpose: monitoring
      ports:
        - port: 9090
`,
  ];
}

export interface GeneratedWorkspace {
  dir: string;
  files: number;
  objects: number;
  bytes: number;
}

/** Writes a workspace of about `targetObjects` objects under `dir` (replacing it). */
export function generateWorkspace(dir: string, targetObjects: number, seed = 42): GeneratedWorkspace {
  const rnd = prng(seed);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let objects = 0;
  let files = 0;
  let bytes = 0;
  const write = (rel: string, docs: string[]): void => {
    const text = docs.join('---\n');
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    objects += docs.length;
    files++;
    bytes += Buffer.byteLength(text);
  };
  for (let n = 0; objects < targetObjects; n++) {
    const ns = `team-${String(n).padStart(3, '0')}`;
    write(`${ns}/namespace.yaml`, [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    purpose: ${n % 10 === 0 ? 'monitoring' : 'apps'}\n`]);
    write(`${ns}/networkpolicies.yaml`, policies(ns));
    for (let a = 0; a < APPS_PER_NAMESPACE && objects < targetObjects; a++) {
      const app = `svc-${n}-${a}`;
      const tier = TIERS[Math.floor(rnd() * TIERS.length)]!;
      const team = TEAMS[Math.floor(rnd() * TEAMS.length)]!;
      const port = 8000 + Math.floor(rnd() * 1000);
      const broken = rnd() < 0.02;
      const docs = [
        deployment(ns, app, tier, team, port, 1 + Math.floor(rnd() * 4)),
        service(ns, app, broken ? `${app}-typo` : app, rnd() < 0.01 ? 'http-missing' : 'http'),
        configMap(ns, app),
      ];
      if (a % 5 === 0) docs.push(ingress(ns, app, rnd() < 0.02 ? `${app}-gone` : app));
      if (a % 2 === 0) write(`${ns}/${app}.yaml`, docs);
      else docs.forEach((d, i) => write(`${ns}/${app}/${['deployment', 'service', 'configmap', 'ingress'][i]}.yaml`, [d]));
    }
  }
  return { dir, files, objects, bytes };
}
