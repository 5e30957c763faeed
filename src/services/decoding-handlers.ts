import type { Handlers } from '../api/dispatcher';
import { loadProtoFolder } from '../decoding/proto-folder';
import { RewindError } from '../model/errors';
import type { ConnectionDeps } from './connection-handlers';

type DecodingHandlers = Pick<Handlers, 'decoding/get' | 'decoding/set' | 'decoding/proto-folder' | 'registry/subjects'>;

/** The user's decoder choices per topic or queue, kept with the connection and handed to its live adapter. */
export function decodingHandlers({ decoders, pool, profiles }: Pick<ConnectionDeps, 'decoders' | 'pool' | 'profiles'>): DecodingHandlers {
  return {
    'decoding/get': async ({ connectionId, resource }) => decoders.of(connectionId)[resource] ?? { decoder: 'auto' },
    'decoding/set': async ({ connectionId, resource, choice }) => {
      if (!profiles.get(connectionId)) throw new RewindError('not_found', `No saved connection with id ${connectionId}`, 'Decoders are chosen for saved Kafka and RabbitMQ connections.');
      // A mapping that cannot be read is refused here, with its file and line, not on every record.
      if (choice.decoder === 'proto-files') {
        const { messageTypes } = loadProtoFolder(choice.folder);
        if (!messageTypes.includes(choice.messageType))
          throw new RewindError('invalid_input', `${choice.messageType} is not a message type of the .proto files in ${choice.folder}`, `Pick one of: ${messageTypes.slice(0, 8).join(', ')}`);
      }
      decoders.set(connectionId, resource, choice);
      pool.decodersChanged(connectionId);
      return {};
    },
    'registry/subjects': async ({ connectionId }) => {
      const adapter = await pool.get(connectionId);
      if (!adapter.schemaSubjects) throw new RewindError('unsupported', 'Only Kafka connections have a schema registry');
      return adapter.schemaSubjects();
    },
    'decoding/proto-folder': async ({ folder }) => {
      const loaded = loadProtoFolder(folder);
      return { files: loaded.files.length, messageTypes: loaded.messageTypes };
    },
  };
}
