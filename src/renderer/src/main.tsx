// Renderer entry: pick the transport (Electron preload or browser-mode HTTP), then mount the app.

import 'prosemirror-view/style/prosemirror.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { getShell, installTransport } from './transport';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App api={installTransport()} shell={getShell()} />
  </StrictMode>,
);
