{{/*
The training Job template (JSON) the orchestrator reads from NNSUITE_TRAINING_K8S_JOB_TEMPLATE and passes to
buildJobManifest(template, job) in services/training/k8s-job-manifest.ts: exactly the keys of its JobTemplate.
Training Jobs run the same worker entry point as local runs; they get GPUs here (a job's own gpu_count
overrides the count), not through the orchestrator's pod. Their pods are labelled by buildJobManifest
(app.kubernetes.io/managed-by=nnsuite-training, component=training-worker): the NetworkPolicy admits those.
*/}}
{{- define "nnsuite.jobTemplate" -}}
{{- $root := . -}}
{{- $jobs := .Values.training.jobs -}}
{{- $gpu := and .Values.gpu.enabled (gt (int $jobs.gpus) 0) -}}
{{- $resources := deepCopy ($jobs.resources | default dict) -}}
{{- if $gpu }}
{{- $_ := set $resources "limits" (merge (dict .Values.gpu.resourceName (int $jobs.gpus)) ($resources.limits | default dict)) }}
{{- end }}
{{- $nodeSelector := $jobs.nodeSelector | default dict -}}
{{- $tolerations := $jobs.tolerations | default list -}}
{{- if $gpu }}
{{- $nodeSelector = merge (deepCopy $nodeSelector) .Values.gpu.nodeSelector -}}
{{- $tolerations = concat $tolerations .Values.gpu.tolerations -}}
{{- end }}
{{- $template := dict
  "image" (include "nnsuite.image" (dict "root" $root "gpu" $gpu))
  "namespace" .Release.Namespace
  "serviceAccountName" (include "nnsuite.serviceAccountName" (dict "root" $root "component" "training-worker"))
  "nodeSelector" $nodeSelector
  "tolerations" $tolerations
  "resources" $resources
  "backoffLimit" (int $jobs.backoffLimit)
  "ttlSecondsAfterFinished" (int $jobs.ttlSecondsAfterFinished)
  "orchestratorAddress" (include "nnsuite.address" (dict "root" $root "component" "training"))
-}}
{{- toPrettyJson $template -}}
{{- end -}}
