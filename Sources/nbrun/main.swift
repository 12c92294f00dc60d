import Foundation
import NbrunCLI

exit(CommandLineEntry.main())
