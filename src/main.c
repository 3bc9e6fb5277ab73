/* envlint: argv goes to the command line layer; nothing else happens here. */
#include "cli/cli.h"
#include "util/timing.h"

int
main(int argc, char **argv)
{
	timing_start();
	return cli_main(argc, argv);
}
