"""Checks on infra/template.yaml as CloudFormation will see it: translated by aws-sam-translator, offline."""
