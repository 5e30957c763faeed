import { registerSource } from '../../../src/sources/registry';
import { memorySource } from './memory-source';

registerSource(memorySource);
