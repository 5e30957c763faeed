/** The single IPC channel; what may travel on it is decided by the API contract. */
export const API_CHANNEL = 'rewind:api';
