import { MemoryStateStore } from '../../functions/adapters/local/memoryStateStore.ts';
import { stateStoreContract } from './stateStore.contract.ts';

stateStoreContract('in-memory', async () => ({ store: new MemoryStateStore(), done: async () => undefined }));
