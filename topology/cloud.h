/*
 * cloud.h: the Azure clouds a scenario can be in. The cloud decides which
 * addresses are "Azure public IPs" (its AzureCloud tag) and which KMS names
 * and addresses the built-in DNS answers with (MODEL.md §4).
 */
#ifndef FTSIM_CLOUD_H
#define FTSIM_CLOUD_H

enum cloud {
	CLOUD_PUBLIC,		/* AzureCloud */
	CLOUD_CHINA,		/* AzureChinaCloud */
	CLOUD_GERMANY,		/* AzureGermanCloud */
	CLOUD_USGOV,		/* AzureUSGovernment */
	CLOUD_COUNT
};

#endif
