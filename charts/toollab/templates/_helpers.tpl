{{/* The release's base name: the release name, or <release>-toollab when it does not say toollab. */}}
{{- define "toollab.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 48 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "toollab.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (printf "%s-operator" (include "toollab.fullname" .)) -}}
{{- end -}}

{{- define "toollab.operatorRole" -}}
{{- printf "%s-operator" (include "toollab.fullname" .) -}}
{{- end -}}

{{- define "toollab.tenantRole" -}}
{{- .Values.tenantRole.name | default (printf "%s-tenant" (include "toollab.fullname" .)) -}}
{{- end -}}

{{- define "toollab.selectorLabels" -}}
app.kubernetes.io/name: toollab
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "toollab.labels" -}}
{{ include "toollab.selectorLabels" . }}
app.kubernetes.io/part-of: toollab
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
