/* Placeholder until the zone issue lands: says so and fails. */
#include "config.h"

#include "cli.h"

int cmd_zone(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("not implemented yet");
	return 1;
}
