/** Renderer entry: builds the client for this environment (Electron bridge or browser-mode server) and mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api';
import { App } from './app';
import { installVisibleBidi } from './durability/visible-bidi';
import './styles.css';

// Untrusted text never displays reordered by a bidirectional control (RLO and friends), on any screen.
installVisibleBidi();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={createClient()} />
  </StrictMode>,
);
