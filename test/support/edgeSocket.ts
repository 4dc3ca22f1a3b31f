import WebSocket from 'ws';

/** Where the swapped-in websocket dials: set by a test to its fake Edge server's address. */
export const edgeTarget = { url: '' };

/**
 * Stands in for `isomorphic-ws` inside edge-tts-universal (see `vi.mock` in the tests): the same
 * ws client, but it dials the local fake instead of Edge's service; the URL the library built
 * (its token and connection id) is kept in `dialled`.
 */
export class LocalEdgeSocket extends WebSocket {
  static dialled: string[] = [];
  constructor(url: string, options?: WebSocket.ClientOptions) {
    LocalEdgeSocket.dialled.push(url);
    super(edgeTarget.url, options);
  }
}
