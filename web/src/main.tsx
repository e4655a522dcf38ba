import { render } from 'preact';
import { App } from './app.js';
import './base.css';
import './player.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
