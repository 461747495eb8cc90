import { render } from 'preact';
import { OptionsPage } from '../../ui/options.tsx';
import '../../ui/ui.css';

render(<OptionsPage />, document.getElementById('app') as HTMLElement);
