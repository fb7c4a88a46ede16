/* Placeholder until the check issue lands: says so and fails. */
#include "config.h"

#include "cli.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("not implemented yet");
	return 3;
}
