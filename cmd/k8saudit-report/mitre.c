/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The names of the ATT&CK (Enterprise, v15) techniques the rules cite, so
 * that the page says what T1098.006 is.  A sub-technique's name is its
 * parent's, a colon, and its own, as ATT&CK writes it.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const struct technique {
	const char *id, *name;
} techniques[] = {
	{ "T1005", "Data from Local System" },
	{ "T1020", "Automated Exfiltration" },
	{ "T1021", "Remote Services" },
	{ "T1021.004", "Remote Services: SSH" },
	{ "T1021.007", "Remote Services: Cloud Services" },
	{ "T1033", "System Owner/User Discovery" },
	{ "T1036", "Masquerading" },
	{ "T1036.005", "Masquerading: Match Legitimate Name or Location" },
	{ "T1040", "Network Sniffing" },
	{ "T1041", "Exfiltration Over C2 Channel" },
	{ "T1046", "Network Service Discovery" },
	{ "T1048", "Exfiltration Over Alternative Protocol" },
	{ "T1053", "Scheduled Task/Job" },
	{ "T1053.007", "Scheduled Task/Job: Container Orchestration Job" },
	{ "T1059", "Command and Scripting Interpreter" },
	{ "T1059.004", "Command and Scripting Interpreter: Unix Shell" },
	{ "T1059.009", "Command and Scripting Interpreter: Cloud API" },
	{ "T1069", "Permission Groups Discovery" },
	{ "T1069.003", "Permission Groups Discovery: Cloud Groups" },
	{ "T1070", "Indicator Removal" },
	{ "T1070.003", "Indicator Removal: Clear Command History" },
	{ "T1078", "Valid Accounts" },
	{ "T1078.001", "Valid Accounts: Default Accounts" },
	{ "T1078.004", "Valid Accounts: Cloud Accounts" },
	{ "T1082", "System Information Discovery" },
	{ "T1087", "Account Discovery" },
	{ "T1087.004", "Account Discovery: Cloud Account" },
	{ "T1090", "Proxy" },
	{ "T1090.003", "Proxy: Multi-hop Proxy" },
	{ "T1098", "Account Manipulation" },
	{ "T1098.001", "Account Manipulation: Additional Cloud Credentials" },
	{ "T1098.003", "Account Manipulation: Additional Cloud Roles" },
	{ "T1098.004", "Account Manipulation: SSH Authorized Keys" },
	{ "T1098.005", "Account Manipulation: Device Registration" },
	{ "T1098.006", "Account Manipulation: Additional Container Cluster Roles" },
	{ "T1105", "Ingress Tool Transfer" },
	{ "T1110", "Brute Force" },
	{ "T1133", "External Remote Services" },
	{ "T1134", "Access Token Manipulation" },
	{ "T1136", "Create Account" },
	{ "T1136.003", "Create Account: Cloud Account" },
	{ "T1190", "Exploit Public-Facing Application" },
	{ "T1199", "Trusted Relationship" },
	{ "T1201", "Password Policy Discovery" },
	{ "T1204", "User Execution" },
	{ "T1213", "Data from Information Repositories" },
	{ "T1484", "Domain or Tenant Policy Modification" },
	{ "T1484.002", "Domain or Tenant Policy Modification: Trust Modification" },
	{ "T1485", "Data Destruction" },
	{ "T1486", "Data Encrypted for Impact" },
	{ "T1489", "Service Stop" },
	{ "T1490", "Inhibit System Recovery" },
	{ "T1496", "Resource Hijacking" },
	{ "T1496.004", "Resource Hijacking: Cloud Service Hijacking" },
	{ "T1498", "Network Denial of Service" },
	{ "T1499", "Endpoint Denial of Service" },
	{ "T1525", "Implant Internal Image" },
	{ "T1526", "Cloud Service Discovery" },
	{ "T1528", "Steal Application Access Token" },
	{ "T1530", "Data from Cloud Storage" },
	{ "T1531", "Account Access Removal" },
	{ "T1535", "Unused/Unsupported Cloud Regions" },
	{ "T1537", "Transfer Data to Cloud Account" },
	{ "T1538", "Cloud Service Dashboard" },
	{ "T1546", "Event Triggered Execution" },
	{ "T1548", "Abuse Elevation Control Mechanism" },
	{ "T1550", "Use Alternate Authentication Material" },
	{ "T1550.001", "Use Alternate Authentication Material: Application Access Token" },
	{ "T1552", "Unsecured Credentials" },
	{ "T1552.001", "Unsecured Credentials: Credentials In Files" },
	{ "T1552.005", "Unsecured Credentials: Cloud Instance Metadata API" },
	{ "T1552.007", "Unsecured Credentials: Container API" },
	{ "T1555", "Credentials from Password Stores" },
	{ "T1555.006", "Credentials from Password Stores: Cloud Secrets Management Stores" },
	{ "T1556", "Modify Authentication Process" },
	{ "T1556.006", "Modify Authentication Process: Multi-Factor Authentication" },
	{ "T1557", "Adversary-in-the-Middle" },
	{ "T1562", "Impair Defenses" },
	{ "T1562.001", "Impair Defenses: Disable or Modify Tools" },
	{ "T1562.007", "Impair Defenses: Disable or Modify Cloud Firewall" },
	{ "T1562.008", "Impair Defenses: Disable or Modify Cloud Logs" },
	{ "T1563", "Remote Service Session Hijacking" },
	{ "T1565", "Data Manipulation" },
	{ "T1565.001", "Data Manipulation: Stored Data Manipulation" },
	{ "T1567", "Exfiltration Over Web Service" },
	{ "T1572", "Protocol Tunneling" },
	{ "T1574", "Hijack Execution Flow" },
	{ "T1574.006", "Hijack Execution Flow: Dynamic Linker Hijacking" },
	{ "T1578", "Modify Cloud Compute Infrastructure" },
	{ "T1578.001", "Modify Cloud Compute Infrastructure: Create Snapshot" },
	{ "T1578.002", "Modify Cloud Compute Infrastructure: Create Cloud Instance" },
	{ "T1578.003", "Modify Cloud Compute Infrastructure: Delete Cloud Instance" },
	{ "T1580", "Cloud Infrastructure Discovery" },
	{ "T1583", "Acquire Infrastructure" },
	{ "T1586", "Compromise Accounts" },
	{ "T1589", "Gather Victim Identity Information" },
	{ "T1590", "Gather Victim Network Information" },
	{ "T1595", "Active Scanning" },
	{ "T1599", "Network Boundary Bridging" },
	{ "T1606", "Forge Web Credentials" },
	{ "T1609", "Container Administration Command" },
	{ "T1610", "Deploy Container" },
	{ "T1611", "Escape to Host" },
	{ "T1612", "Build Image on Host" },
	{ "T1613", "Container and Resource Discovery" },
	{ "T1619", "Cloud Storage Object Discovery" },
	{ "T1621", "Multi-Factor Authentication Request Generation" },
	{ "T1648", "Serverless Execution" },
	{ "T1649", "Steal or Forge Authentication Certificates" },
	{ "T1651", "Cloud Administration Command" },
};

static int
cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct technique *)elt)->id);
}

const char *
mitre_technique_name(const char *id)
{
	const struct technique *t = bsearch(id, techniques, sizeof(techniques) / sizeof(techniques[0]),
		sizeof(techniques[0]), cmp);

	return t ? t->name : NULL;
}
