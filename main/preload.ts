import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isMethod } from '../src/api/contract';
import type { ClientMessage, ServerMessage } from '../src/api/protocol';
import { API_CHANNEL } from './ipc-channel';

/**
 * The renderer's only door to the back end: it may call methods the contract declares and
 * cancel them, nothing else. Main validates every message again.
 */
contextBridge.exposeInMainWorld('rewindBridge', {
  send(message: ClientMessage): void {
    if (message?.type === 'call' && !isMethod(message.method)) throw new Error(`Unknown API method ${String(message.method)}`);
    if (message?.type !== 'call' && message?.type !== 'cancel' && message?.type !== 'detach') throw new Error('Not an API message');
    ipcRenderer.send(API_CHANNEL, message);
  },
  onMessage(listener: (message: ServerMessage) => void): () => void {
    const handler = (_event: IpcRendererEvent, message: ServerMessage) => listener(message);
    ipcRenderer.on(API_CHANNEL, handler);
    return () => ipcRenderer.removeListener(API_CHANNEL, handler);
  },
});
