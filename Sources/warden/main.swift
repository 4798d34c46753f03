import Glibc
import WardenCLI

exit(CommandRunner.run(Array(CommandLine.arguments.dropFirst())))
