/*
 * rules.h: `ftsim rules`, the effective security rules of a VM's NIC
 * (`az network nic list-effective-nsg`) and the hidden platform rules
 * Azure does not list (MODEL.md §5, §6).
 */
#ifndef FTSIM_RULES_H
#define FTSIM_RULES_H

int cmd_rules(int argc, char **argv);

#endif
