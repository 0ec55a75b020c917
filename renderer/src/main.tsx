import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Studio } from './app/Studio';
import { StudioContext } from './app/context';
import './app/styles.css';
import { connectApi } from './lib/connect';
import { createStudioStores } from './stores';

const api = connectApi();
const stores = createStudioStores(api);
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <StudioContext.Provider value={{ api, stores }}>
      <Studio />
    </StudioContext.Provider>
  </StrictMode>,
);
