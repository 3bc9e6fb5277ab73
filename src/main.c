/* envlint: argv goes to the command line layer; nothing else happens here. */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
