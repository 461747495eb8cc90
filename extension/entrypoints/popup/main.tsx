import { render } from 'preact';
import { PopupPage } from '../../ui/popup.tsx';
import '../../ui/ui.css';

render(<PopupPage />, document.getElementById('app') as HTMLElement);
