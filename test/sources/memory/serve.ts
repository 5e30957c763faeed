// The web shell with the in-memory source registered: the registration runs before the shell starts.
import './register';
import '../../../src/server/cli';
