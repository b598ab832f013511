{{/* Names and labels, after the Helm/bitnami conventions. */}}

{{- define "nnsuite.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "nnsuite.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* <fullname>-<component>; component names are short, so trim the release part first. */}}
{{- define "nnsuite.componentName" -}}
{{- printf "%s-%s" (include "nnsuite.fullname" .root | trunc (int (sub 62 (len .component))) | trimSuffix "-") .component -}}
{{- end -}}

{{- define "nnsuite.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "nnsuite.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nnsuite.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "nnsuite.labels" -}}
helm.sh/chart: {{ include "nnsuite.chart" . }}
{{ include "nnsuite.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: nnsuite
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one component's objects; args: dict "root" $ "component" name */}}
{{- define "nnsuite.componentLabels" -}}
{{ include "nnsuite.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "nnsuite.componentSelectorLabels" -}}
{{ include "nnsuite.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "nnsuite.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The suite's processes: entry point, grpc.health.v1 service name (the proto's fully-qualified service; ""
for the gateway, whose health is the whole server) and whether it is a model service (may get GPUs).
Mirrors SERVICE_CATALOG in services/runtime/config.ts (checked by test/charts).
*/}}
{{- define "nnsuite.catalog" -}}
gateway:   { entry: gateway/main.ts,            grpcService: "",                                      model: false }
retrieval: { entry: services/retrieval/main.ts, grpcService: nnsuite.retrieval.v1.RetrievalService, model: true }
speech:    { entry: services/speech/main.ts,    grpcService: nnsuite.speech.v1.SpeechService,       model: true }
parrotron: { entry: services/parrotron/main.ts, grpcService: nnsuite.parrotron.v1.ParrotronService, model: true }
training:  { entry: services/training/main.ts,  grpcService: nnsuite.training.v1.TrainingService,   model: false }
ntk:       { entry: services/ntk/main.ts,       grpcService: nnsuite.ntk.v1.NtkService,             model: true }
morphnet:  { entry: services/morphnet/main.ts,  grpcService: nnsuite.morphnet.v1.MorphnetService,   model: true }
{{- end -}}

{{/* Backends in routing order (everything but the gateway). */}}
{{- define "nnsuite.backendNames" -}}
retrieval speech parrotron training ntk morphnet
{{- end -}}

{{/* "true" when a component runs on GPUs; args: dict "root" $ "component" name */}}
{{- define "nnsuite.usesGpu" -}}
{{- $values := index .root.Values .component -}}
{{- if and .root.Values.gpu.enabled (gt (int (default 0 $values.gpus)) 0) -}}true{{- end -}}
{{- end -}}

{{/* Image reference; args: dict "root" $ "gpu" bool. Tag: <image.tag or appVersion>-<cpu|gpu>. */}}
{{- define "nnsuite.image" -}}
{{- $image := .root.Values.image -}}
{{- $registry := default $image.registry .root.Values.global.imageRegistry -}}
{{- $tag := printf "%s-%s" (default .root.Chart.AppVersion $image.tag) (ternary "gpu" "cpu" (eq (toString .gpu) "true")) -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry $image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* h2c address of a backend's headless Service; args: dict "root" $ "component" name */}}
{{- define "nnsuite.address" -}}
{{- $values := index .root.Values .component -}}
{{- printf "%s.%s.svc.%s:%d" (include "nnsuite.componentName" .) .root.Release.Namespace .root.Values.clusterDomain (int $values.containerPorts.grpc) -}}
{{- end -}}

{{/* "true" when the orchestrator runs training as Kubernetes Jobs (its Role, template and token exist only then). */}}
{{- define "nnsuite.launchesJobs" -}}
{{- if and .Values.training.enabled (eq .Values.training.executor "kubernetes") -}}true{{- end -}}
{{- end -}}

{{- define "nnsuite.serviceAccountName" -}}
{{- if .root.Values.serviceAccount.create -}}
{{- include "nnsuite.componentName" (dict "root" .root "component" .component) -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{- define "nnsuite.pvcName" -}}
{{- $p := index .root.Values.persistence .volume -}}
{{- default (include "nnsuite.componentName" (dict "root" .root "component" .volume)) $p.existingClaim -}}
{{- end -}}

{{- define "nnsuite.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}
