{{- define "webhook.hook" -}}
helm.sh/hook: {{ .events | quote }}
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end -}}
{{- define "webhook.rbacEvents" -}}pre-install,pre-upgrade,post-install,post-upgrade{{- end -}}
