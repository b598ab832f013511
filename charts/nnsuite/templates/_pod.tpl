{{/*
The pod template of one process; args: dict "root" $ "component" name.
Every process boots the same way (services/runtime serve()): one h2c port for gRPC/Connect with
grpc.health.v1.Health, one HTTP/1.1 port for /metrics /healthz /readyz.
*/}}
{{- define "nnsuite.podTemplate" -}}
{{- $root := .root -}}
{{- $name := .component -}}
{{- $values := index $root.Values $name -}}
{{- $meta := index (include "nnsuite.catalog" $root | fromYaml) $name -}}
{{- $gpu := eq (include "nnsuite.usesGpu" .) "true" -}}
{{- $envName := upper $name -}}
{{- $launchesJobs := and (eq $name "training") (eq (include "nnsuite.launchesJobs" $root) "true") -}}
metadata:
  labels:
    {{- include "nnsuite.componentLabels" . | nindent 4 }}
    {{- with $values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- $annotations := deepCopy ($values.podAnnotations | default dict) }}
  {{- if $launchesJobs }}
  {{- /* Roll the orchestrator when the Job template changes: it reads the file once at start. */ -}}
  {{- $_ := set $annotations "checksum/job-template" (include "nnsuite.jobTemplate" $root | sha256sum) }}
  {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with include "nnsuite.imagePullSecrets" $root }}{{ . | nindent 2 }}{{ end }}
  serviceAccountName: {{ include "nnsuite.serviceAccountName" (dict "root" $root "component" (ternary "training" "workload" (eq $name "training"))) }}
  # Only the orchestrator, when it launches Jobs, talks to the Kubernetes API.
  automountServiceAccountToken: {{ $launchesJobs }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  {{- if and $gpu $root.Values.gpu.runtimeClassName }}
  runtimeClassName: {{ $root.Values.gpu.runtimeClassName }}
  {{- end }}
  {{- $nodeSelector := $values.nodeSelector | default dict -}}
  {{- if $gpu }}{{- $nodeSelector = merge (deepCopy $nodeSelector) $root.Values.gpu.nodeSelector -}}{{- end }}
  {{- with $nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- $tolerations := $values.tolerations | default list -}}
  {{- if $gpu }}{{- $tolerations = concat $tolerations $root.Values.gpu.tolerations -}}{{- end }}
  {{- with $tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- $affinity := $values.affinity | default dict -}}
  {{- if and $gpu (not $affinity) }}{{- $affinity = $root.Values.gpu.affinity -}}{{- end }}
  {{- with $affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ $name }}
      image: {{ include "nnsuite.image" (dict "root" $root "gpu" $gpu) }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      command: ["node", "--import", "tsx", {{ $meta.entry | quote }}]
      env:
        - { name: NNSUITE_{{ $envName }}_PORT, value: {{ $values.containerPorts.grpc | quote }} }
        - { name: NNSUITE_{{ $envName }}_HTTP_PORT, value: {{ $values.containerPorts.http | quote }} }
        - { name: NNSUITE_DATA_DIR, value: {{ $root.Values.dataDir | quote }} }
        - { name: NNSUITE_LOG_LEVEL, value: {{ $root.Values.logLevel | quote }} }
        # tsx keeps its transform cache in the temp dir; the root filesystem is read-only.
        - { name: HOME, value: /tmp }
        {{- with (default $root.Values.tfBackend $values.tfBackend) }}
        - { name: NNSUITE_TF_BACKEND, value: {{ . | quote }} }
        {{- end }}
        {{- if eq $name "gateway" }}
        {{- include "nnsuite.backendEnv" $root | trim | nindent 8 }}
        {{- if $values.auth.existingSecret }}
        - { name: NNSUITE_GATEWAY_TOKENS_FILE, value: /etc/nnsuite/gateway/tokens }
        {{- end }}
        {{- end }}
        {{- if eq $name "training" }}
        {{- include "nnsuite.backendEnv" $root | trim | nindent 8 }}
        - { name: NNSUITE_TRAINING_EXECUTOR, value: {{ $values.executor | quote }} }
        {{- if $launchesJobs }}
        - { name: NNSUITE_TRAINING_K8S_JOB_TEMPLATE, value: /etc/nnsuite/job-template.json }
        {{- end }}
        {{- with $values.maxWorkers }}
        - { name: NNSUITE_TRAINING_MAX_WORKERS, value: {{ . | quote }} }
        {{- end }}
        {{- with $values.maxAttempts }}
        - { name: NNSUITE_TRAINING_MAX_ATTEMPTS, value: {{ . | quote }} }
        {{- end }}
        {{- end }}
        {{- with (concat ($root.Values.extraEnv | default list) ($values.extraEnv | default list)) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - { name: grpc, containerPort: {{ $values.containerPorts.grpc }}, protocol: TCP }
        - { name: http-metrics, containerPort: {{ $values.containerPorts.http }}, protocol: TCP }
      {{- range $probe := list "startupProbe" "livenessProbe" "readinessProbe" }}
      {{- $p := index $values $probe }}
      {{- if $p.enabled }}
      {{ $probe }}:
        # Kubernetes' built-in gRPC probe asks grpc.health.v1.Health/Check on the gRPC port; the runtime
        # reports NOT_SERVING until ready() (model loading) resolves — the startupProbe's window.
        grpc:
          port: {{ $values.containerPorts.grpc }}
          {{- if $meta.grpcService }}
          service: {{ $meta.grpcService }}
          {{- end }}
        {{- toYaml (omit $p "enabled") | nindent 8 }}
      {{- end }}
      {{- end }}
      resources:
        {{- $resources := deepCopy ($values.resources | default dict) }}
        {{- if $gpu }}
        {{- $_ := set $resources "limits" (merge (dict $root.Values.gpu.resourceName (int $values.gpus)) ($resources.limits | default dict)) }}
        {{- end }}
        {{- toYaml $resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.containerSecurityContext | nindent 8 }}
      volumeMounts:
        - { name: tmp, mountPath: /tmp }
        - { name: data, mountPath: {{ $root.Values.dataDir | quote }} }
        {{- if and $meta.model $root.Values.persistence.models.enabled }}
        - { name: models, mountPath: {{ $root.Values.persistence.models.mountPath | quote }}, readOnly: true }
        {{- end }}
        {{- if and (eq $name "retrieval") $root.Values.persistence.indexes.enabled }}
        - { name: indexes, mountPath: {{ printf "%s/retrieval" $root.Values.dataDir | quote }} }
        {{- end }}
        {{- if and (eq $name "training") $root.Values.persistence.artifacts.enabled }}
        - { name: artifacts, mountPath: {{ printf "%s/training" $root.Values.dataDir | quote }} }
        {{- end }}
        {{- if $launchesJobs }}
        - { name: job-template, mountPath: /etc/nnsuite, readOnly: true }
        {{- end }}
        {{- if and (eq $name "gateway") $values.auth.existingSecret }}
        - { name: gateway-tokens, mountPath: /etc/nnsuite/gateway, readOnly: true }
        {{- end }}
  volumes:
    - { name: tmp, emptyDir: {} }
    - { name: data, emptyDir: {} }
    {{- if and $meta.model $root.Values.persistence.models.enabled }}
    - name: models
      persistentVolumeClaim: { claimName: {{ include "nnsuite.pvcName" (dict "root" $root "volume" "models") }}, readOnly: true }
    {{- end }}
    {{- if and (eq $name "retrieval") $root.Values.persistence.indexes.enabled }}
    - name: indexes
      persistentVolumeClaim: { claimName: {{ include "nnsuite.pvcName" (dict "root" $root "volume" "indexes") }} }
    {{- end }}
    {{- if and (eq $name "training") $root.Values.persistence.artifacts.enabled }}
    - name: artifacts
      persistentVolumeClaim: { claimName: {{ include "nnsuite.pvcName" (dict "root" $root "volume" "artifacts") }} }
    {{- end }}
    {{- if $launchesJobs }}
    - name: job-template
      configMap:
        name: {{ include "nnsuite.componentName" (dict "root" $root "component" "training-job-template") }}
        items: [{ key: job-template.json, path: job-template.json }]
    {{- end }}
    {{- if and (eq $name "gateway") $values.auth.existingSecret }}
    - name: gateway-tokens
      secret:
        secretName: {{ $values.auth.existingSecret }}
        items: [{ key: {{ $values.auth.secretKey }}, path: tokens }]
    {{- end }}
{{- end -}}

{{/*
Where the backends are, for the processes that call them (gateway, orchestrator): NNSUITE_<NAME>_ADDRESS
(host:port, read by serviceAddress() in services/runtime/config.ts), one per enabled backend.
*/}}
{{- define "nnsuite.backendEnv" -}}
{{- $root := . -}}
{{- range $name := splitList " " (include "nnsuite.backendNames" $root) }}
{{- if (index $root.Values $name).enabled }}
- { name: NNSUITE_{{ upper $name }}_ADDRESS, value: {{ include "nnsuite.address" (dict "root" $root "component" $name) | quote }} }
{{- end }}
{{- end }}
{{- end -}}
