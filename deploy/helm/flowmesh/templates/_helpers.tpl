{{/*
The name of a vertex's objects (Deployment, Service, PDB, ScaledObject) and its subscribers' DNS
name: <release>-<vertex>. A DNS label: at most 63 characters, never truncated (two vertices could
then share a name).
Call: include "flowmesh.vertexName" (list $ "vertex-name")
*/}}
{{- define "flowmesh.vertexName" -}}
{{- $root := index . 0 -}}
{{- $name := printf "%s-%s" $root.Release.Name (index . 1) -}}
{{- if gt (len $name) 63 -}}
{{- fail (printf "the object name %q (release %q + vertex %q) is longer than 63 characters: use a shorter release name" $name $root.Release.Name (index . 1)) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/* Labels every object of the release has. */}}
{{- define "flowmesh.labels" -}}
app.kubernetes.io/name: flowmesh
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ .Values.pipeline | default .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/*
What selects the pods of one vertex: the release and the vertex name.
Call: include "flowmesh.selector" (list $ vertex)
*/}}
{{- define "flowmesh.selector" -}}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
flowmesh.io/vertex: {{ (index . 1).name }}
{{- end -}}

{{/* A vertex's labels: the release's, its selector and its kind. Call with (list $ vertex). */}}
{{- define "flowmesh.vertexLabels" -}}
{{ include "flowmesh.labels" (index . 0) }}
flowmesh.io/vertex: {{ (index . 1).name }}
app.kubernetes.io/component: {{ (index . 1).kind }}
flowmesh.io/pipeline: {{ (index . 0).Values.pipeline | default (index . 0).Release.Name }}
{{- end -}}

{{/* The Secret holding the edge token. */}}
{{- define "flowmesh.tokenSecret" -}}
{{- .Values.edgeToken.existingSecret | default (printf "%s-edge-token" .Release.Name) -}}
{{- end -}}

{{/*
A memory quantity in MiB (the JVM heap is sized from it): Mi, Gi, M, G or a plain count of bytes.
*/}}
{{- define "flowmesh.mebibytes" -}}
{{- $q := toString . -}}
{{- if regexMatch "^[0-9]+Gi$" $q -}}{{ mul (trimSuffix "Gi" $q | int) 1024 }}
{{- else if regexMatch "^[0-9]+Mi$" $q -}}{{ trimSuffix "Mi" $q | int }}
{{- else if regexMatch "^[0-9]+G$" $q -}}{{ div (mul (trimSuffix "G" $q | int64) 1000000000) 1048576 }}
{{- else if regexMatch "^[0-9]+M$" $q -}}{{ div (mul (trimSuffix "M" $q | int64) 1000000) 1048576 }}
{{- else if regexMatch "^[0-9]+$" $q -}}{{ div ($q | int64) 1048576 }}
{{- else -}}{{ fail (printf "memory limit %q: give it as a whole number of Mi or Gi (the JVM heap is sized from it)" $q) }}
{{- end -}}
{{- end -}}

{{/* The resources of a vertex: its own, else its kind's. Call with (list $ vertex). */}}
{{- define "flowmesh.resources" -}}
{{- $v := index . 1 -}}
{{- $r := $v.resources | default (index (index . 0).Values.resources $v.kind) -}}
{{- if not (and $r $r.limits $r.limits.memory) -}}
{{- fail (printf "vertex %q: resources.limits.memory is required (the JVM heap is sized from it)" $v.name) -}}
{{- end -}}
{{- toYaml $r -}}
{{- end -}}

{{/*
The label matchers of an autoscaling query for a vertex: the configured ones (templated) and
more, e.g. include "flowmesh.matchers" (list $ (printf "vertex=%q" $v.name)).
*/}}
{{- define "flowmesh.matchers" -}}
{{- $root := index . 0 -}}
{{- $extra := tpl $root.Values.autoscaling.prometheus.matchers $root -}}
{{- if $extra -}}{{ $extra }},{{ end -}}{{ index . 1 }}
{{- end -}}
