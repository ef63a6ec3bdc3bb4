/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generated incident (tests/incident/README): what gen.c (timeline,
 * output, labels), routine.c (the everyday traffic that today's catalog
 * over-grades) and attack.c (the seed scenarios) share.  The record
 * builders, identities and most of the everyday traffic are the secret
 * corpus's (tests/secrets/k8s.c, k8s_noise.c, cloudtrail.c), linked.
 */
#ifndef INCIDENT_H
#define INCIDENT_H

#include "k8s.h"
#include "ct.h"

/* ---- gen.c: where records go ---- */
/* A routine record; the function takes the reference. */
void out_k8s(json_t *ev);
void out_ct(json_t *rec);
/* An attack record: written, and its id labelled with the scenario and
 * what it is (labels.tsv); every labelled event must be raised. */
void attack_k8s(json_t *ev, const char *scenario, const char *what);
void attack_ct(json_t *rec, const char *scenario, const char *what);
/* The attacker's supporting steps (discovery, logins): context.tsv, which
 * a scorer counts neither as attack nor as routine. */
void context_k8s(json_t *ev, const char *scenario, const char *what);
void context_ct(json_t *rec, const char *scenario, const char *what);

/* ---- the cluster's network (routine.c) ---- */
/* Nodes 0..NPRIVATE-1 reach the API server through the VPC; the others
 * are a node group in public subnets, whose traffic (and their pods')
 * arrives from the node's Elastic IP, an address AWS owns: node_ip[] is
 * where a node's requests come from, node_private_ip[] its VPC address. */
#define NPRIVATE 14
extern char node_private_ip[NNODES][20];
char *aws_ec2_ip(void);         /* an EC2 address of the region (arena) */
char *aws_eks_ip(void);         /* where EKS's own components call from (arena) */
const char *control_plane_ip(void);

/* ---- routine.c ---- */
void routine_init(void);
json_t *routine_k8s(void);      /* one routine audit event */
json_t *routine_ct(void);       /* one routine CloudTrail record */
/* Rare routine events that must be in every corpus whatever its size:
 * n scheduled over the window, each a call of special(k, i). */
int routine_nspecials(void);
const char *routine_special_name(int k);
void routine_special(int k);     /* writes its records itself */

/* the CI pipeline's release: pushed during routine traffic, pushed over
 * by the attacker */
#define RELEASE_REPO "payments-api"
#define RELEASE_TAG "2.14.1"
void ci_push(const char *repo, const char *tag);

/* ---- attack.c ---- */
struct attack_step {
	int64_t at;           /* microseconds after the attack starts */
	void (*fn)(void);
};
extern const struct attack_step attack_steps[];
extern const int nattack_steps;

#define ATTACKER_IP "185.220.101.47"   /* the stolen keys and kubectl */
#define SCANNER_IP "45.155.205.233"    /* the anonymous curl */

#endif
