#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Register the shard job (batch-job-definition.json), submit it as an array
# job of 8 children (each gets AWS_BATCH_JOB_ARRAY_INDEX, 0 to 7), then the
# merge (the same job definition, its command and environment replaced by
# batch-merge-overrides.json), which AWS Batch starts when every child has
# succeeded.  The queue is yours; BUCKET and RUN are to be replaced.
set -eu
QUEUE=${QUEUE:-k8saudit}
SHARDS=8
aws batch register-job-definition --cli-input-json file://batch-job-definition.json >/dev/null
array=$(aws batch submit-job --job-name k8saudit-shards --job-queue "$QUEUE" \
	--job-definition k8saudit-shard --array-properties size=$SHARDS \
	--container-overrides "environment=[{name=SHARDS,value=$SHARDS}]" \
	--query jobId --output text)
aws batch submit-job --job-name k8saudit-merge --job-queue "$QUEUE" \
	--job-definition k8saudit-shard --depends-on jobId="$array" \
	--container-overrides file://batch-merge-overrides.json
