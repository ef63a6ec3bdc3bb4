#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A Slurm job array over a tree every node sees (a shared file system, or
# an S3 mount): sbatch slurm-array.sh, then, when it is done,
#   sbatch --dependency=afterok:JOBID --wrap 'k8saudit-findings --json --merge partials/part.* >findings.jsonl'
# (or the afterok dependency on the array's id).  SLURM_ARRAY_TASK_ID runs
# from 0, as --shard counts, and SLURM_ARRAY_TASK_COUNT is N.
#SBATCH --job-name=k8saudit-shards
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
set -u
mkdir -p partials
k8saudit-findings --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" \
	--partial "partials/part.$SLURM_ARRAY_TASK_ID" /shared/AWSLogs
[ $? -le 1 ]
